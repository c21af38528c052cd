package jsonbody

// keyCache keeps short object keys so that a key seen before, in this body or
// an earlier one, is not allocated again: the keys of an API's requests are a
// small vocabulary. A slot is chosen by a cheap hash; a collision replaces it.
type keyCache [256]string

// maxCachedKey is the longest key kept in a keyCache.
const maxCachedKey = 32

// key reads the object key whose opening quote is at d.pos.
func (d *decoder) key() (string, error) {
	b := d.b
	start := d.pos + 1
	if i := plainRun(b, start); i < len(b) && b[i] == '"' && i > start && i-start <= maxCachedKey {
		d.pos = i + 1
		k := b[start:i]
		slot := &d.keys[(uint(len(k))*31+uint(k[0])*7+uint(k[len(k)-1])*3+uint(k[len(k)/2]))%uint(len(d.keys))]
		if *slot != string(k) {
			*slot = string(k)
		}
		return *slot, nil
	}
	return d.str()
}
