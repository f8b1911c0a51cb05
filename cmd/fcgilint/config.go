package main

import (
	"errors"

	"github.com/fcgilint/fcgilint/lint/config"
)

// loadCheckConfig reads the configuration file check applies: the one
// named by --config, else the .fcgilint.yaml found upward from the first
// PATH (the working directory without one), else the user's; none with
// --no-config. A nil config and no error mean there is none.
func loadCheckConfig(cf *checkFlags, paths []string) (*config.Config, error) {
	if cf.noConfig {
		if cf.configPath != "" {
			return nil, errors.New("--config and --no-config contradict each other")
		}
		return nil, nil
	}
	if cf.configPath != "" {
		return config.Load(cf.configPath)
	}
	start := "."
	if len(paths) > 0 {
		start = paths[0]
	}
	return config.FindAndLoad(start)
}
