// Package textdist measures how far apart two names are, for "did you
// mean" suggestions.
package textdist

// Distance is the edit distance between a and b where a swap of two
// neighbouring letters counts as one edit, as typing mistakes do
// ("fastcig_pass"). Names longer than 64 bytes are never close to anything
// (99): a hostile input must not cost a quadratic comparison against every
// known name.
func Distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	// Three rows: the one before the previous is needed for swaps.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// Close reports whether b is a plausible intended spelling of a: at most two
// edits, and at most one per three letters, so that short names are not
// "corrected" into unrelated ones ("api" is not a misspelt "pid").
func Close(a, b string) (int, bool) {
	d := Distance(a, b)
	return d, d <= 2 && d*3 <= len(a)
}

// Suggest returns the candidate closest to name among those Close to it,
// or "". On a tie, a candidate preferred (when prefer is not nil) wins over
// one that is not, then the earlier one.
func Suggest(name string, candidates []string, prefer func(string) bool) string {
	best, bestD, bestPreferred := "", 99, false
	for _, c := range candidates {
		if abs(len(c)-len(name)) > 2 {
			continue
		}
		d, ok := Close(name, c)
		if !ok || d > bestD {
			continue
		}
		preferred := prefer != nil && prefer(c)
		if d < bestD || preferred && !bestPreferred {
			best, bestD, bestPreferred = c, d, preferred
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
