// A small Go module (standard library only, so no network) for the golang-* task tests, and a
// persistent Go cache directory (tasks/.cache/go, git-ignored) so repeated runs do not rebuild
// the standard library.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GO_CACHE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'go');

const FILES: Record<string, string> = {
  'go.mod': 'module example.com/hello\n\ngo 1.21\n',
  'greet/greet.go': 'package greet\n\nfunc Hello(name string) string { return "hello, " + name }\n',
  'greet/greet_test.go': `package greet

import (
	"os"
	"testing"
)

func TestHello(t *testing.T) {
	if Hello("x") != "hello, x" {
		t.Fatal("bad")
	}
}

func TestTable(t *testing.T) {
	for _, n := range []string{"a", "b"} {
		t.Run(n, func(t *testing.T) {})
	}
}

func TestSkipped(t *testing.T) { t.Skip("not here") }

func TestBroken(t *testing.T) {
	if os.Getenv("BREAK") == "" && !testing.Short() {
		return
	}
	t.Fatal("broken on purpose")
}
`,
  'cmd/hello/main.go': 'package main\n\nimport (\n\t"os"\n\n\t"example.com/hello/greet"\n)\n\nfunc main() { os.Stdout.WriteString(greet.Hello("world") + "\\n") }\n',
};

export async function goModule(dir: string, extra: Record<string, string> = {}): Promise<string> {
  for (const [f, c] of Object.entries({ ...FILES, ...extra })) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await writeFile(join(dir, f), c);
  }
  await mkdir(GO_CACHE, { recursive: true });
  return dir;
}

/**
 * The image cache (PLUMBING_CACHE) of the golang-* tests in images: kept between runs and shared
 * by both tasks' tests, so that the Go toolchain image (the same digest each time) is unpacked once.
 */
export const GO_IMAGES_CACHE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'go-images');
