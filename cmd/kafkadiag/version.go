package main

import (
	"fmt"
	"runtime/debug"
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); otherwise
// the module version recorded by the Go toolchain is used.
var version = ""

// VersionCmd prints the version.
type VersionCmd struct{}

// Run prints the version and the VCS revision when known.
func (VersionCmd) Run(e *env) error {
	v := version
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = s.Value[:12]
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if rev != "" {
		fmt.Fprintf(e.stdout, "kafkadiag %s (%s)\n", v, rev)
	} else {
		fmt.Fprintf(e.stdout, "kafkadiag %s\n", v)
	}
	return nil
}
