package mockserver

import (
	"context"

	"github.com/chatmock/chatmock/internal/rules"
	"github.com/chatmock/chatmock/internal/scenario"
	"github.com/chatmock/chatmock/spec"
)

// WithDocuments serves the OpenAPI documents at paths (files, or folders
// of them) instead of the bundled ones; read by Load.
func WithDocuments(paths ...string) Option {
	return func(o *options) { o.documents = append(o.documents, paths...) }
}

// WithRuleFiles adds the business rules of the files (or folders) at
// paths to the bundled ones; read by Load.
func WithRuleFiles(paths ...string) Option {
	return func(o *options) { o.ruleFiles = append(o.ruleFiles, paths...) }
}

// WithScenarioFiles arms the scenarios of the files (or folders) at paths
// from the start; read by Load.
func WithScenarioFiles(paths ...string) Option {
	return func(o *options) { o.scenarioFiles = append(o.scenarioFiles, paths...) }
}

// Load builds a Server as chatmock serve does, from files: the documents
// of WithDocuments (the bundled ones without it), the bundled business
// rules and those of WithRuleFiles, and the scenarios of
// WithScenarioFiles armed. The other options apply as in New, after
// these: WithRules or WithScenarios replace what Load read.
func Load(ctx context.Context, opts ...Option) (*Server, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	srcs := spec.Bundled()
	if len(o.documents) > 0 {
		var err error
		if srcs, err = spec.FromPaths(o.documents); err != nil {
			return nil, err
		}
	}
	set, err := spec.Load(ctx, srcs)
	if err != nil {
		return nil, err
	}
	extra, err := rules.FromPaths(o.ruleFiles)
	if err != nil {
		return nil, err
	}
	rs, err := rules.Load(append(rules.Bundled(), extra...))
	if err != nil {
		return nil, err
	}
	scSrcs, err := scenario.FromPaths(o.scenarioFiles)
	if err != nil {
		return nil, err
	}
	armed, err := scenario.LoadFiles(scSrcs)
	if err != nil {
		return nil, err
	}
	return New(set, append([]Option{WithRules(rs), WithScenarios(armed)}, opts...)...)
}
