package redis_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// requiredEnv, when set to 1 (as CI does), makes the tests fail rather
// than skip when redis-server cannot be found.
const requiredEnv = "SKYVERN_REDIS_REQUIRED"

// redisServer is a redis-server a test started on a loopback port, without
// persistence. Stop and Start restart it on the same port.
type redisServer struct {
	t      testing.TB
	bin    string
	port   int
	Addr   string
	cmd    *exec.Cmd
	out    bytes.Buffer
	exited chan error
}

// startRedis starts a redis-server for t, stopped when t ends. Without
// the binary it skips t (fails it with SKYVERN_REDIS_REQUIRED=1).
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		for _, p := range []string{"/usr/bin/redis-server", "/usr/sbin/redis-server"} {
			if _, statErr := os.Stat(p); statErr == nil {
				bin, err = p, nil
				break
			}
		}
	}
	if err != nil {
		msg := "redis-server not found; install it (apt-get install -y redis-server) to run the Redis tests"
		if os.Getenv(requiredEnv) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	s := &redisServer{t: t, bin: bin}
	t.Cleanup(s.Stop)
	for attempt := 0; ; attempt++ {
		s.port = freePort(t)
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
		err := s.start()
		if err == nil {
			return s
		}
		if attempt == 2 {
			t.Fatalf("redis-server did not start: %v\n%s", err, s.out.String())
		}
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start starts the server again on its port, after Stop.
func (s *redisServer) Start() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatalf("redis-server did not restart: %v\n%s", err, s.out.String())
	}
}

func (s *redisServer) start() error {
	s.out.Reset()
	s.cmd = exec.Command(s.bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.t.TempDir())
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	if err := s.cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	rdb := goredis.NewClient(&goredis.Options{Addr: s.Addr, MaxRetries: -1, DialTimeout: time.Second})
	defer rdb.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-exited:
			s.cmd = nil
			return fmt.Errorf("redis-server exited: %v", err)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			// Keep the exit for Stop.
			s.exited = exited
			return nil
		}
		if time.Now().After(deadline) {
			_ = s.cmd.Process.Kill()
			<-exited
			s.cmd = nil
			return fmt.Errorf("no answer to PING: %v", err)
		}
		time.Sleep(10 * time.Millisecond) // polling for the server to come up
	}
}

// Stop kills the server and waits for it to exit.
func (s *redisServer) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// client returns a client of s, closed when the test ends.
func (s *redisServer) client(t testing.TB) *goredis.Client {
	rdb := goredis.NewClient(&goredis.Options{Addr: s.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// waitSubscribers waits until channel has at least n subscribers.
func waitSubscribers(t testing.TB, rdb *goredis.Client, channel string, n int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		m, err := rdb.PubSubNumSub(context.Background(), channel).Result()
		if err == nil && m[channel] >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("channel %q has %d subscribers, want %d (last error %v)", channel, m[channel], n, err)
		}
		time.Sleep(5 * time.Millisecond) // polling for an event Redis does not announce
	}
}
