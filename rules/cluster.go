package rules

import (
	"fmt"
	"sort"
	"time"
)

// idleCluster is the largest group of idle periods that agree: the
// signature of one timer (a load balancer's idle timeout) firing.
type idleCluster struct {
	Min, Median, Max time.Duration
	N                int
	// Members are the indexes into the input slice, in input order.
	Members []int
}

// clusterTolerance is how far apart two idle periods may be and still be
// the same timer: 10 % of the value, at least 5 s (packets after the timeout
// arrive whenever the client next sends).
func clusterTolerance(d time.Duration) time.Duration {
	return max(d/10, 5*time.Second)
}

// largestCluster finds the largest window of sorted values within
// tolerance of its smallest member; the earliest wins ties.
func largestCluster(vals []time.Duration) idleCluster {
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] < vals[idx[b]] })
	var best idleCluster
	for i := range idx {
		j := i
		for j+1 < len(idx) && vals[idx[j+1]]-vals[idx[i]] <= clusterTolerance(vals[idx[i]]) {
			j++
		}
		if n := j - i + 1; n > best.N {
			members := append([]int(nil), idx[i:j+1]...)
			sort.Ints(members)
			best = idleCluster{
				Min: vals[idx[i]], Max: vals[idx[j]], Median: vals[idx[i+(j-i)/2]],
				N: n, Members: members,
			}
		}
	}
	return best
}

// knownIdleTimeout is a middlebox whose default idle timeout is published.
type knownIdleTimeout struct {
	Timeout time.Duration
	Device  string
}

// knownIdleTimeouts are the defaults a support engineer meets most.
var knownIdleTimeouts = []knownIdleTimeout{
	{60 * time.Second, "AWS ALB / many firewalls"},
	{240 * time.Second, "Azure Load Balancer / Azure NAT (4 min)"},
	{350 * time.Second, "AWS NLB / NAT gateway / Gateway LB"},
	{600 * time.Second, "GCP VPC firewall / Cloud NAT (10 min)"},
	{3600 * time.Second, "stateful firewalls with a 1 h TCP timeout"},
}

// deviceTimeout estimates the device's idle timeout from the shortest idle
// period that got reset: the timeout is at most that. When a published
// default lies just below (within the cluster tolerance), that value is
// named.
func deviceTimeout(c idleCluster) (time.Duration, string) {
	for _, k := range knownIdleTimeouts {
		if k.Timeout <= c.Min+time.Second && c.Min-k.Timeout <= clusterTolerance(k.Timeout) {
			return k.Timeout, k.Device
		}
	}
	return c.Min.Round(time.Second), ""
}

// safeIdleMs is the connections.max.idle.ms to recommend: 10 % below the
// device timeout, rounded down to 5 s (to 1 s below a minute).
func safeIdleMs(device time.Duration) int64 {
	step := 5 * time.Second
	if device < time.Minute {
		step = time.Second
	}
	d := device * 9 / 10
	d -= d % step
	return max(d.Milliseconds(), 1000)
}

// describeCluster renders a cluster for a summary.
func describeCluster(c idleCluster) string {
	if c.Max-c.Min < time.Second {
		return fmt.Sprintf("%d × %s", c.N, seconds(c.Median))
	}
	return fmt.Sprintf("%d between %s and %s, median %s", c.N, seconds(c.Min), seconds(c.Max), seconds(c.Median))
}
