package engine

// ExactBatches is opts with batches kept at opts.SiteBudget, however
// small: a budget of one byte checks a site at a time.
func ExactBatches(opts Options) Options {
	opts.exactBatches = true
	return opts
}
