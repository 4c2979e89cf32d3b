// The bench agent in Go: the same server as bench/agent.mjs (answers from memory, counts calls,
// the same control lines on stdin), made with Go's own net/rpc and encoding/gob, as the unit
// agent's jujuc server is (juju's internal/worker/uniter/runner/jujuc/server.go registers
// "Jujuc" and serves each connection with rpc.ServeConn). Standard library only.
//
//	go build -o agent main.go && ./agent <socket path> <answers.json>
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/rpc"
	"os"
	"strings"
	"sync"
)

// Request is jujuc's request, field for field (gob matches fields by name).
type Request struct {
	ContextId   string
	Dir         string
	CommandName string
	Args        []string
	StdinSet    bool
	Stdin       []byte
	Token       string
}

// ExecResponse is juju/utils' exec.ExecResponse.
type ExecResponse struct {
	Code   int
	Stdout []byte
	Stderr []byte
}

// Jujuc answers every tool from memory and records the calls.
type Jujuc struct {
	answers map[string][]byte
	mu      sync.Mutex
	calls   []string
}

// Main is the method jujuc calls.
func (j *Jujuc) Main(req Request, resp *ExecResponse) error {
	for i, arg := range req.Args {
		if !req.StdinSet && (arg == "--file=-" || (arg == "-" && i > 0 && req.Args[i-1] == "--file")) {
			return fmt.Errorf("hook tool requires stdin, none supplied")
		}
	}
	j.mu.Lock()
	j.calls = append(j.calls, strings.Join(append([]string{req.CommandName}, req.Args...), " "))
	j.mu.Unlock()
	resp.Stdout = j.answers[req.CommandName]
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: agent <socket path> <answers.json>")
		os.Exit(2)
	}
	socketPath, answersFile := os.Args[1], os.Args[2]
	text, err := os.ReadFile(answersFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var answers map[string]string
	if err := json.Unmarshal(text, &answers); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	jujuc := &Jujuc{answers: map[string][]byte{}}
	for tool, out := range answers {
		jujuc.answers[tool] = []byte(out)
	}
	server := rpc.NewServer()
	if err := server.RegisterName("Jujuc", jujuc); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	listener, err := net.Listen("unix", socketPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			go server.ServeConn(conn)
		}
	}()
	fmt.Println("ready")
	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		switch lines.Text() {
		case "calls":
			jujuc.mu.Lock()
			out, _ := json.Marshal(append([]string{}, jujuc.calls...))
			jujuc.calls = nil
			jujuc.mu.Unlock()
			fmt.Println(string(out))
		case "quit":
			listener.Close()
			os.Exit(0)
		}
	}
	listener.Close()
}
