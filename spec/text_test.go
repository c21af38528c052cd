package spec

import "testing"

func TestParameterNumberText(t *testing.T) {
	for _, tt := range []struct {
		text             string
		integer, numeric bool
	}{
		{"0", true, true}, {"-12", true, true}, {"99999999999999999999", true, true},
		{"1.5", false, true}, {"-1.5e+3", false, true}, {"2E9", false, true},
		{"", false, false}, {"-", false, false}, {"1.", false, false}, {".5", false, false},
		{"1e", false, false}, {"1e+", false, false}, {"+1", false, false}, {"1 ", false, false}, {"0x10", false, false},
	} {
		if isInteger(tt.text) != tt.integer || isNumber(tt.text) != tt.numeric {
			t.Errorf("%q: integer %v number %v, want %v %v", tt.text, isInteger(tt.text), isNumber(tt.text), tt.integer, tt.numeric)
		}
	}
}
