/**
 * The process that holds a run's image namespace (image-namespace.ts) and mounts in it, reading
 * requests on stdin and answering one line each (`ok` or `error <why>`):
 *   `m 4` + lowerdir, upperdir, workdir, mount point   mount an overlay
 *   `u N` + N mount points                              unmount them (lazily)
 * With perl and its syscall.ph (Debian's perl), the holder calls mount(2) and umount2(2) itself;
 * otherwise a `sh` loop runs `mount` and `umount` (a process per request, off the steps' path).
 */
import type { ImageSandboxTools } from './run-args.js';

const SH_HOLDER = [
  'echo ready',
  'while read -r verb n; do',
  '  case $verb in',
  '  m) read -r l; read -r u; read -r w; read -r d',
  '     if e=$("$0" -t overlay overlay -o "lowerdir=$l,upperdir=$u,workdir=$w" "$d" 2>&1); then echo ok; else printf "error %s\\n" "$(printf %s "$e" | tr "\\n" " ")"; fi ;;',
  '  u) set --; while [ "$n" -gt 0 ]; do read -r p; set -- "$@" "$p"; n=$((n-1)); done',
  '     umount -l "$@" 2>/dev/null; echo ok ;;',
  '  *) echo "error unknown request $verb" ;;',
  '  esac',
  'done',
].join('\n');

// MNT_DETACH = 2; syscall() passes strings as pointers (variables: it needs writable buffers), 0 as an int
const PERL_HOLDER = [
  '$| = 1;',
  'my $mount = shift @ARGV;',
  'my $direct = eval { require "syscall.ph"; 1 };',
  'print "ready\\n";',
  'while (defined(my $line = <STDIN>)) {',
  '  chomp $line;',
  '  my ($verb, $n) = split / /, $line;',
  '  my @a = map { my $l = <STDIN>; chomp $l; $l } 1 .. ($n // 0);',
  '  if ($verb eq "m") {',
  '    my ($src, $type, $dir, $o) = ("overlay", "overlay", $a[3], "lowerdir=$a[0],upperdir=$a[1],workdir=$a[2]");',
  '    my $ok = $direct ? syscall(&SYS_mount, $src, $dir, $type, 0, $o) == 0 : system($mount, "-t", "overlay", "overlay", "-o", $o, $dir) == 0;',
  '    my $why = $direct ? "$!" : "mount exited with " . ($? >> 8);',
  '    print $ok ? "ok\\n" : "error $why\\n";',
  '  } elsif ($verb eq "u") {',
  '    if ($direct) { for my $p (@a) { syscall(&SYS_umount2, $p, 2) } } else { system("umount", "-l", @a) }',
  '    print "ok\\n";',
  '  } else { print "error unknown request $verb\\n" }',
  '}',
].join('\n');

/** The holder's program and arguments, to run inside `unshare`. */
export function holderCommand(tools: ImageSandboxTools): string[] {
  return tools.perl ? [tools.perl, '-e', PERL_HOLDER, tools.mount] : [tools.sh, '-c', SH_HOLDER, tools.mount];
}
