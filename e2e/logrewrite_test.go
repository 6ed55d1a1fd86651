package e2e

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Log rewrites keep a scenario's logs in step with its rewritten captures:
// the same addresses and ports, printed the way each client prints them.

// labAddr matches a lab address with an optional port and librdkafka's
// family prefix: "ipv4#198.18.0.2:9092", "198.18.0.2:9092", "/198.18.0.1".
var labAddr = regexp.MustCompile(`(ipv4#)?\b198\.(18|19)\.(\d{1,3})\.(\d{1,3})\b(:\d{1,5}\b)?`)

// logStyle is how a log prints socket addresses.
type logStyle int

const (
	styleRdkafka logStyle = iota // librdkafka: "ipv6#[2001:db8::2]:9092", broker names "[2001:db8::2]:9092/0"
	styleJava                    // Java: InetAddress.getHostAddress(), uncompressed: "/2001:db8:0:0:0:0:0:2"
)

// styleOf tells a librdkafka log (its lines carry "|rdkafka#") from a Java
// one (server.log, the broker's journal).
func styleOf(text string) logStyle {
	if strings.Contains(text, "|rdkafka#") {
		return styleRdkafka
	}
	return styleJava
}

// rewriteLog rewrites every lab address in text through m, in the style
// the log's writer prints the result in.
func rewriteLog(text string, m addrMap) string {
	style := styleOf(text)
	return labAddr.ReplaceAllStringFunc(text, func(tok string) string {
		sub := labAddr.FindStringSubmatch(tok)
		o3, _ := strconv.Atoi(sub[3])
		o4, _ := strconv.Atoi(sub[4])
		second, _ := strconv.Atoi(sub[2])
		if o3 > 255 || o4 > 255 {
			return tok
		}
		a := m.ip(netip.AddrFrom4([4]byte{198, byte(second), byte(o3), byte(o4)}))
		port := ""
		if sub[5] != "" {
			p, _ := strconv.Atoi(sub[5][1:])
			if q, ok := m.port[uint16(p)]; ok {
				p = int(q)
			}
			port = ":" + strconv.Itoa(p)
		}
		return formatAddr(a, port, sub[1] != "", style)
	})
}

// formatAddr prints a (rewritten) address as the log's writer would.
func formatAddr(a netip.Addr, port string, family bool, style logStyle) string {
	if a.Is4() {
		if family {
			return "ipv4#" + a.String() + port
		}
		return a.String() + port
	}
	if style == styleJava {
		return javaIPv6(a) + port
	}
	host := a.String()
	if port != "" {
		host = "[" + host + "]" + port
	}
	if family {
		// rd_sockaddr2str always brackets an IPv6 address after "ipv6#".
		if port == "" {
			host = "[" + host + "]"
		}
		return "ipv6#" + host
	}
	return host
}

// javaIPv6 is Inet6Address.getHostAddress(): eight groups in lower-case hex,
// leading zeros dropped, no "::" compression.
func javaIPv6(a netip.Addr) string {
	b := a.As16()
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strconv.FormatUint(uint64(b[2*i])<<8|uint64(b[2*i+1]), 16)
	}
	return strings.Join(groups, ":")
}
