package mockserver

import (
	"context"
	"fmt"

	"github.com/chatmock/chatmock/internal/rules"
	"github.com/chatmock/chatmock/internal/scenario"
	"github.com/chatmock/chatmock/spec"
)

// WithDocuments serves the OpenAPI documents at paths (files, or folders
// of them) instead of the bundled ones; read by Load.
func WithDocuments(paths ...string) Option {
	return func(o *options) { o.documents = append(o.documents, paths...) }
}

// WithOverlayFiles applies the OpenAPI Overlay 1.0 files at paths to the
// documents, in order (spec.WithOverlays); read by Load.
func WithOverlayFiles(paths ...string) Option {
	return func(o *options) { o.overlayFiles = append(o.overlayFiles, paths...) }
}

// WithDocumentSet serves documents already loaded (spec.Load) instead of
// reading any: Load then reads only rules and scenarios. Tests that start
// many mocks load the documents once.
func WithDocumentSet(set *spec.Set) Option {
	return func(o *options) { o.documentSet = set }
}

// WithRuleFiles adds the business rules of the files (or folders) at
// paths to the bundled ones; read by Load.
func WithRuleFiles(paths ...string) Option {
	return func(o *options) { o.ruleFiles = append(o.ruleFiles, paths...) }
}

// WithoutBundledRules leaves the bundled business rules out: Load uses
// only the files of WithRuleFiles.
func WithoutBundledRules() Option {
	return func(o *options) { o.noBundledRules = true }
}

// WithStrict refuses documents with any defect; without it Load leaves
// out the operations a defect spoils, and Documents().Warnings names them.
func WithStrict() Option {
	return func(o *options) { o.strict = true }
}

// WithScenarioFiles arms the scenarios of the files (or folders) at paths
// from the start; read by Load.
func WithScenarioFiles(paths ...string) Option {
	return func(o *options) { o.scenarioFiles = append(o.scenarioFiles, paths...) }
}

// PathError is a path given to WithDocuments, WithRuleFiles or
// WithScenarioFiles that names nothing to read (a missing file, a folder
// with no document): the caller's to fix.
type PathError struct {
	Option string
	Err    error
}

func (e *PathError) Error() string { return e.Err.Error() }

func (e *PathError) Unwrap() error { return e.Err }

// Load builds a Server as chatmock serve does, from files: the documents
// of WithDocuments (the bundled ones without it), the bundled business
// rules (unless WithoutBundledRules) and those of WithRuleFiles, and the
// scenarios of WithScenarioFiles armed. The other options apply as in New,
// after these: WithRules or WithScenarios replace what Load read.
func Load(ctx context.Context, opts ...Option) (*Server, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	f, err := o.read(ctx)
	if err != nil {
		return nil, err
	}
	var armed []*scenario.Scenario
	for _, name := range f.scenarioOrder {
		armed = append(armed, f.scenarios[name]...)
	}
	return New(f.set, append([]Option{WithRules(f.rules), WithScenarios(armed)}, opts...)...)
}

// ReloadFiles reads the files Load read once more and swaps them in, as
// Reload does: the store, the journal and the scenarios armed by other
// means stay. A file that does not load leaves everything as it was.
func (s *Server) ReloadFiles(ctx context.Context) error {
	f, err := s.opts.read(ctx)
	if err != nil {
		return err
	}
	return s.Reload(f.set, f.rules, f.scenarios)
}

// readDocuments is the set of WithDocumentSet, else the documents of
// WithDocuments (the bundled ones without it) loaded.
func (o *options) readDocuments(ctx context.Context) (*spec.Set, error) {
	if o.documentSet != nil {
		return o.documentSet, nil
	}
	srcs := spec.Bundled()
	if len(o.documents) > 0 {
		var err error
		if srcs, err = spec.FromPaths(o.documents); err != nil {
			return nil, &PathError{"WithDocuments", err}
		}
	}
	var lo []spec.LoadOption
	if o.strict {
		lo = append(lo, spec.Strict())
	}
	if len(o.overlayFiles) > 0 {
		ovs, err := spec.ReadOverlays(o.overlayFiles)
		if err != nil {
			return nil, &PathError{"WithOverlayFiles", err}
		}
		lo = append(lo, spec.WithOverlays(ovs...))
	}
	return spec.Load(ctx, srcs, lo...)
}

// loaded is what Load reads: the documents, the rules and each scenario
// file's scenarios (by file name, in the order given).
type loaded struct {
	set           *spec.Set
	rules         *rules.Set
	scenarios     map[string][]*scenario.Scenario
	scenarioOrder []string
}

func (o *options) read(ctx context.Context) (*loaded, error) {
	set, err := o.readDocuments(ctx)
	if err != nil {
		return nil, err
	}
	var ruleSrcs []rules.Source
	if !o.noBundledRules {
		ruleSrcs = rules.Bundled()
	}
	extra, err := rules.FromPaths(o.ruleFiles)
	if err != nil {
		return nil, &PathError{"WithRuleFiles", err}
	}
	rs, err := rules.Load(append(ruleSrcs, extra...))
	if err != nil {
		return nil, err
	}
	scSrcs, err := scenario.FromPaths(o.scenarioFiles)
	if err != nil {
		return nil, &PathError{"WithScenarioFiles", err}
	}
	f := &loaded{set: set, rules: rs, scenarios: map[string][]*scenario.Scenario{}}
	for _, src := range scSrcs {
		list, err := scenario.LoadFiles([]spec.Source{src})
		if err != nil {
			return nil, err
		}
		if _, seen := f.scenarios[src.Name]; !seen {
			f.scenarioOrder = append(f.scenarioOrder, src.Name)
		}
		f.scenarios[src.Name] = list
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("loading: %w", err)
	}
	return f, nil
}
