//go:build !linux

package files

// readRegular leaves every file to readFile's portable path.
func readRegular(real, p string, limit int64) (src []byte, done bool, err error) {
	return nil, false, nil
}
