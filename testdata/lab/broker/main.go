// Command broker is the fault lab's Kafka broker: a kfake cluster (real Kafka
// wire protocol, in memory) behind a front listener that behaves and logs like
// an Apache Kafka listener where the lab needs it to.
//
// The front accepts every TCP connection itself, reads the first bytes the way
// Kafka's Selector would, optionally terminates TLS, and then hands the
// connection to kfake through an in-process listener whose Addr is the
// advertised address, so metadata points clients back at the front.
//
// server.log uses Apache Kafka's default log4j layout `[%d] %p %m (%c)` with
// the message templates of the broker (see the lab README); it is not written
// by Apache Kafka.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// maxRequestSize is socket.request.max.bytes, the limit a plaintext Kafka
// listener applies to the 4-byte size prefix of the first request.
const maxRequestSize = 104857600

func main() {
	listen := flag.String("listen", "198.18.0.2:9092", "address to listen on and to advertise")
	certFile := flag.String("tls-cert", "", "PEM certificate; with -tls-key makes the listener SSL")
	keyFile := flag.String("tls-key", "", "PEM private key for -tls-cert")
	logPath := flag.String("log", "server.log", "server.log to append to")
	topic := flag.String("topic", "lab", "topic to create at start")
	flag.Parse()

	logf, err := os.OpenFile(*logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	log := &serverLog{w: logf}
	if err := run(log, *listen, *certFile, *keyFile, *topic); err != nil {
		log.printf("ERROR", "kafka.Kafka$", "Exiting Kafka due to fatal exception during startup.")
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(log *serverLog, listen, certFile, keyFile, topic string) error {
	var tlsConfig *tls.Config
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return err
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	advertised, err := net.ResolveTCPAddr("tcp", listen)
	if err != nil {
		return err
	}
	const node = 0 // kfake numbers its single broker 0
	prefix := fmt.Sprintf("[KafkaServer id=%d] ", node)
	log.printf("INFO", "kafka.utils.Log4jControllerRegistration$", "Registered kafka:type=kafka.Log4jController MBean")
	log.printf("INFO", "kafka.server.KafkaServer", "%sstarting", prefix)

	handoff := &handoffListener{addr: advertised, conns: make(chan net.Conn), done: make(chan struct{})}
	cluster, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.ListenFn(func(string, string) (net.Listener, error) { return handoff, nil }),
		kfake.SeedTopics(1, topic),
		kfake.AllowAutoTopicCreation(),
	)
	if err != nil {
		return err
	}
	// Kafka turns SO_KEEPALIVE on and leaves the timers to the kernel
	// (7200 s idle); Go's default of 15 s probes would hide idle gaps.
	lc := net.ListenConfig{KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: -1, Interval: -1, Count: -1}}
	ln, err := lc.Listen(context.Background(), "tcp", listen)
	if err != nil {
		return err
	}
	log.printf("INFO", "kafka.network.DataPlaneAcceptor", "Awaiting socket connections on %s.", listen)
	log.printf("INFO", "kafka.server.KafkaServer", "%sstarted", prefix)

	front := &front{log: log, node: node, tls: tlsConfig, handoff: handoff}
	go front.serve(ln)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	s := <-sig
	name := "SIGTERM"
	if s == syscall.SIGINT {
		name = "SIGINT"
	}
	log.printf("INFO", "org.apache.kafka.common.utils.LoggingSignalHandler", "Terminating process due to signal %s", name)
	log.printf("INFO", "kafka.server.KafkaServer", "%sshutting down", prefix)
	log.printf("INFO", "kafka.server.KafkaServer", "%sStarting controlled shutdown", prefix)
	start := time.Now()
	log.printf("INFO", "kafka.server.KafkaServer", "%sControlled shutdown request returned successfully after %dms", prefix, time.Since(start).Milliseconds())
	socketPrefix := fmt.Sprintf("[SocketServer listenerType=ZK_BROKER, nodeId=%d] ", node)
	log.printf("INFO", "kafka.network.SocketServer", "%sShutting down socket server", socketPrefix)
	ln.Close()
	front.closeAll()
	cluster.Close()
	log.printf("INFO", "kafka.network.SocketServer", "%sShutdown completed", socketPrefix)
	log.printf("INFO", "kafka.server.KafkaServer", "%sshut down completed", prefix)
	return nil
}

// serverLog writes log4j-layout lines; a mutex keeps lines whole.
type serverLog struct {
	mu sync.Mutex
	w  io.Writer
}

// printf writes `[yyyy-MM-dd HH:mm:ss,SSS] LEVEL message (logger)` plus any
// continuation lines (exception text) given in extra.
func (l *serverLog) printf(level, logger, format string, args ...any) {
	l.record(level, logger, fmt.Sprintf(format, args...))
}

func (l *serverLog) record(level, logger, msg string, extra ...string) {
	now := time.Now().UTC()
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "[%s,%03d] %s %s (%s)\n", now.Format("2006-01-02 15:04:05"), now.Nanosecond()/1e6, level, msg, logger)
	for _, e := range extra {
		fmt.Fprintln(l.w, e)
	}
}

// front is the listener clients connect to.
type front struct {
	log     *serverLog
	node    int
	tls     *tls.Config
	handoff *handoffListener

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	seq   int
}

func (f *front) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		if f.conns == nil {
			f.conns = map[net.Conn]struct{}{}
		}
		f.conns[c] = struct{}{}
		f.seq++
		idx := f.seq
		f.mu.Unlock()
		go f.handle(c, idx)
	}
}

func (f *front) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		c.Close()
	}
	close(f.handoff.done)
}

// channelID renders Kafka's ServerConnectionId:
// localIp:localPort-remoteIp:remotePort-processorId-index, the addresses as
// Java's getHostAddress writes them (IPv6 unbracketed and uncompressed).
func channelID(c net.Conn, idx int) string {
	return fmt.Sprintf("%s-%s-0-%d", javaAddr(c.LocalAddr()), javaAddr(c.RemoteAddr()), idx)
}

func remoteIP(c net.Conn) string {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return javaHost(a.IP)
	}
	return c.RemoteAddr().String()
}

// javaAddr writes ip:port as Kafka does, host by javaHost.
func javaAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return fmt.Sprintf("%s:%d", javaHost(t.IP), t.Port)
	}
	return a.String()
}

// javaHost writes an address as java.net.InetAddress.getHostAddress does:
// IPv4 dotted, IPv6 as eight hex groups without "::" compression
// (fd00:6b64:0:0:0:0:0:1), which is how a real broker logs IPv6 peers.
func javaHost(ip net.IP) string {
	if ip4 := ip.To4(); ip4 != nil || len(ip) != net.IPv6len {
		return ip.String()
	}
	g := make([]string, 8)
	for i := range g {
		g[i] = fmt.Sprintf("%x", binary.BigEndian.Uint16(ip[2*i:]))
	}
	return strings.Join(g, ":")
}

func (f *front) socketPrefix() string {
	return fmt.Sprintf("[SocketServer listenerType=ZK_BROKER, nodeId=%d] ", f.node)
}

func (f *front) handle(c net.Conn, idx int) {
	id := channelID(c, idx)
	if f.tls != nil {
		tc := tls.Server(c, f.tls)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			f.log.printf("INFO", "org.apache.kafka.common.network.Selector",
				"%sFailed authentication with /%s (channelId=%s) (SSL handshake failed)", f.socketPrefix(), remoteIP(c), id)
			c.Close()
			return
		}
		c.SetDeadline(time.Time{})
		f.handoff.give(tc)
		return
	}
	// Kafka reads exactly the 4-byte size first; whatever else the peer sent
	// stays unread, so closing on a bad size resets the connection as Kafka's does.
	head := make([]byte, 4)
	if _, err := io.ReadFull(c, head); err != nil {
		c.Close()
		return
	}
	if size := binary.BigEndian.Uint32(head); int32(size) < 0 || size > maxRequestSize {
		exc := fmt.Sprintf("org.apache.kafka.common.network.InvalidReceiveException: Invalid receive (size = %d larger than %d)", size, maxRequestSize)
		if int32(size) < 0 {
			exc = fmt.Sprintf("org.apache.kafka.common.network.InvalidReceiveException: Invalid receive (size = %d)", int32(size))
		}
		f.log.record("WARN", "org.apache.kafka.common.network.Selector",
			fmt.Sprintf("%sUnexpected error from /%s (channelId=%s); closing connection", f.socketPrefix(), remoteIP(c), id), exc)
		c.Close()
		return
	}
	f.handoff.give(&peekedConn{Conn: c, r: io.MultiReader(bytes.NewReader(head), c)})
}

// peekedConn replays the size prefix the front already read.
type peekedConn struct {
	net.Conn
	r io.Reader
}

func (p *peekedConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// handoffListener is the listener kfake serves; Addr is the advertised address.
type handoffListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
}

func (h *handoffListener) give(c net.Conn) {
	select {
	case h.conns <- c:
	case <-h.done:
		c.Close()
	}
}

func (h *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-h.conns:
		return c, nil
	case <-h.done:
		return nil, errors.New("listener closed")
	}
}

func (h *handoffListener) Close() error   { return nil }
func (h *handoffListener) Addr() net.Addr { return h.addr }
