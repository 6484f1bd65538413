package web_test

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models/modelstest"
)

// faultProxy is a TCP proxy in front of PostgreSQL that a test can break the
// way a database breaks: stop makes it refuse connections and cuts the open
// ones (a stopped server), hang accepts connections and never answers them
// (a server or network that hangs), and start brings it back on the same
// address.
type faultProxy struct {
	t      testing.TB
	addr   string // where clients connect
	target string // the real server

	mu    sync.Mutex
	ln    net.Listener // nil while stopped
	hung  bool
	conns map[net.Conn]net.Conn // client side → server side (nil until dialled)
	wg    sync.WaitGroup
}

// newFaultProxy starts a proxy to target, closed when the test ends.
func newFaultProxy(t testing.TB, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{t: t, addr: ln.Addr().String(), target: target, conns: map[net.Conn]net.Conn{}}
	p.listen(ln)
	t.Cleanup(func() {
		p.stop()
		p.wg.Wait()
	})
	return p
}

// proxyDatabase routes cfg's database connections through a new fault proxy.
func proxyDatabase(t testing.TB, cfg *config.Config) *faultProxy {
	t.Helper()
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	p := newFaultProxy(t, u.Host)
	u.Host = p.addr
	cfg.DatabaseURL = u.String()
	return p
}

// stop refuses new connections and cuts every open one.
func (p *faultProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	p.cutLocked()
}

// hang cuts every open connection, then accepts new ones without a word.
func (p *faultProxy) hang() { p.reopen(true) }

// start forwards connections again; connections held by hang are dropped.
func (p *faultProxy) start() { p.reopen(false) }

// reopen cuts every open connection and listens again, forwarding new
// connections unless hung.
func (p *faultProxy) reopen(hung bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hung = hung
	p.cutLocked()
	p.relistenLocked()
}

func (p *faultProxy) cutLocked() {
	for c, up := range p.conns {
		c.Close()
		if up != nil {
			up.Close()
		}
		delete(p.conns, c)
	}
}

// relistenLocked listens on the proxy's address again after a stop.
func (p *faultProxy) relistenLocked() {
	if p.ln != nil {
		return
	}
	var err error
	if modelstest.Eventually(p.t, 2*time.Second, func() bool {
		var ln net.Listener
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.listen(ln)
		}
		return err == nil
	}) {
		return
	}
	p.t.Errorf("fault proxy: listen again on %s: %v", p.addr, err)
}

func (p *faultProxy) listen(ln net.Listener) {
	p.ln = ln
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.ln != ln { // stopped while this connection was accepted
				p.mu.Unlock()
				c.Close()
				continue
			}
			p.conns[c] = nil
			hung := p.hung
			p.mu.Unlock()
			if !hung {
				p.wg.Go(func() { p.forward(c) })
			}
		}
	})
}

// forward copies bytes both ways until either side closes or the proxy cuts them.
func (p *faultProxy) forward(c net.Conn) {
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	p.mu.Lock()
	if _, open := p.conns[c]; !open || err != nil {
		p.mu.Unlock()
		c.Close()
		if up != nil {
			up.Close()
		}
		return
	}
	p.conns[c] = up
	p.mu.Unlock()

	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}
