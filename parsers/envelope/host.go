package envelope

import (
	"strings"
)

// podFromPath reads the pod and container from the paths the kubelet and
// the container runtime write container logs under:
//
//	/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log
//	/var/log/containers/<pod>_<namespace>_<container>-<container id>.log
//
// Inside an archive only the innermost member path counts. Both are ""
// for any other path.
//
// Choice: the pod stands for the machine (Stats.Host) when the walker
// found no host or took the container folder for one, as kafkadiag
// already does for Strimzi's podlogs/<pod>.log: in Kubernetes the pod is
// what a broker's advertised name and a client's evidence point at.
func podFromPath(p string) (pod, container string) {
	if i := strings.LastIndexByte(p, '!'); i >= 0 {
		p = p[i+1:]
	}
	parts := strings.Split(strings.ReplaceAll(p, "\\", "/"), "/")
	n := len(parts)
	file := parts[n-1]
	if !strings.HasSuffix(file, ".log") && !strings.Contains(file, ".log.") {
		return "", ""
	}
	if n >= 4 && parts[n-4] == "pods" {
		// <namespace>_<pod>_<uid>: names hold no '_', so the pod is the
		// middle field.
		f := strings.Split(parts[n-3], "_")
		if len(f) == 3 && f[1] != "" && parts[n-2] != "" {
			return f[1], parts[n-2]
		}
	}
	if n >= 2 && parts[n-2] == "containers" {
		name := file[:strings.Index(file, ".log")]
		f := strings.Split(name, "_")
		if len(f) == 3 && f[0] != "" {
			c := f[2]
			if j := strings.LastIndexByte(c, '-'); j > 0 {
				c = c[:j]
			}
			return f[0], c
		}
	}
	return "", ""
}
