// Command bare is the load benchmark's baseline: a plain net/http server
// that reads the request body and answers fixed bytes, with the same server
// settings chatmock serve uses. Whatever chatmock does beyond that is what
// the benchmark measures.
//
// It may import: nothing of the module.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	answerFile := flag.String("answer", "", "file holding the answer body (default: a Tencent create_group success)")
	contentType := flag.String("content-type", "application/json", "Content-Type of the answer")
	status := flag.Int("status", http.StatusOK, "HTTP status of the answer")
	flag.Parse()
	answer := []byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupId":"@TGS#2J4SZEAEL"}`)
	if *answerFile != "" {
		b, err := os.ReadFile(*answerFile)
		if err != nil {
			log.Fatal(err)
		}
		answer = b
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("bare: serving on http://%s\n", ln.Addr())
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", *contentType)
			w.WriteHeader(*status)
			_, _ = w.Write(answer)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    2 << 20,
	}
	log.Fatal(srv.Serve(ln))
}
