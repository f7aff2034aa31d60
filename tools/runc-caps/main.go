// runc-caps runs runc on hosts whose capability bounding set lacks
// CAP_SYS_RESOURCE (some VMs and sandboxes). runc refuses to apply a
// capability the host cannot grant ("unable to apply caps: operation not
// permitted"), and lowering a process's OOM score needs that capability too
// (pod sandboxes ask for oomScoreAdj -998; runc then fails with "can't get
// final child's PID from pipe"). The wrapper edits what runc is handed and
// then becomes runc:
//
//   - create/run: the bundle's config.json loses CAP_SYS_RESOURCE from every
//     capability set, and a negative process.oomScoreAdj becomes 0;
//   - exec: the same for the --process file.
//
// Registered as dockerd's default runtime (and as the runc binary of the
// containerd inside a kind node), it lets privileged containers start.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

const missingCap = "CAP_SYS_RESOURCE"

// Global runc flags that take a value (runc --help).
var globalWithValue = map[string]bool{
	"--log": true, "--log-format": true, "--root": true, "--criu": true, "--rootless": true,
}

func main() {
	args := os.Args[1:]
	if err := rewrite(args); err != nil {
		fmt.Fprintf(os.Stderr, "runc-caps: %v\n", err)
		os.Exit(1)
	}
	real, err := realRunc()
	if err != nil {
		fmt.Fprintf(os.Stderr, "runc-caps: %v\n", err)
		os.Exit(1)
	}
	if err := syscall.Exec(real, append([]string{"runc"}, args...), os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "runc-caps: exec %s: %v\n", real, err)
		os.Exit(1)
	}
}

// realRunc is $RUNC_CAPS_RUNC, else the first runc on PATH that is not this binary.
func realRunc() (string, error) {
	if p := os.Getenv("RUNC_CAPS_RUNC"); p != "" {
		return p, nil
	}
	self, _ := os.Executable()
	self, _ = filepath.EvalSymlinks(self)
	for _, dir := range filepath.SplitList(os.Getenv("PATH") + ":/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin") {
		p := filepath.Join(dir, "runc")
		if resolved, err := filepath.EvalSymlinks(p); err == nil && resolved != self {
			if st, err := os.Stat(resolved); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("no runc found on PATH besides %s (set RUNC_CAPS_RUNC)", self)
}

// rewrite finds the subcommand after runc's global flags and edits its spec file.
func rewrite(args []string) error {
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		if globalWithValue[args[i]] {
			i++
		}
		i++
	}
	if i >= len(args) {
		return nil
	}
	cmd, rest := args[i], args[i+1:]
	switch cmd {
	case "create", "run":
		bundle := flagValue(rest, "--bundle", "-b")
		if bundle == "" {
			bundle = "."
		}
		return editFile(filepath.Join(bundle, "config.json"), func(spec map[string]any) {
			if p, ok := spec["process"].(map[string]any); ok {
				editProcess(p)
			}
		})
	case "exec":
		if file := flagValue(rest, "--process", "-p"); file != "" {
			return editFile(file, editProcess)
		}
	}
	return nil
}

// flagValue reads `--name value`, `--name=value` or `-n value` up to the first positional argument.
func flagValue(args []string, long, short string) string {
	for j := 0; j < len(args); j++ {
		a := args[j]
		switch {
		case a == long || a == short:
			if j+1 < len(args) {
				return args[j+1]
			}
		case strings.HasPrefix(a, long+"="):
			return strings.TrimPrefix(a, long+"=")
		case strings.HasPrefix(a, short+"="):
			return strings.TrimPrefix(a, short+"=")
		}
	}
	return ""
}

func editProcess(p map[string]any) {
	if caps, ok := p["capabilities"].(map[string]any); ok {
		for set, v := range caps {
			list, ok := v.([]any)
			if !ok {
				continue
			}
			kept := make([]any, 0, len(list))
			for _, c := range list {
				if c != missingCap {
					kept = append(kept, c)
				}
			}
			caps[set] = kept
		}
	}
	if n, ok := p["oomScoreAdj"].(json.Number); ok && strings.HasPrefix(n.String(), "-") {
		p["oomScoreAdj"] = json.Number("0")
	}
}

// editFile rewrites a JSON file in place, keeping numbers exactly as written.
func editFile(file string, edit func(map[string]any)) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	return os.WriteFile(file, out, st.Mode().Perm())
}
