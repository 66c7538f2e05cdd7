//go:build !unix

package analysis

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
