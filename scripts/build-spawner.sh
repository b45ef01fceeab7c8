#!/bin/sh
# Part of `npm run build`: compiles src/pool/spawner.c into dist/pool/lwt-spawner. Without a
# C compiler lwt still works, spawning from Node (slower for many short commands), so a
# failure here is reported and not fatal.
cd "$(dirname "$0")/.." || exit 1
cc=${CC:-cc}
mkdir -p dist/pool
if "$cc" -O2 -Wall -Wextra -Werror -o dist/pool/lwt-spawner.tmp src/pool/spawner.c 2>dist/pool/lwt-spawner.log; then
  mv dist/pool/lwt-spawner.tmp dist/pool/lwt-spawner
  rm -f dist/pool/lwt-spawner.log
else
  rm -f dist/pool/lwt-spawner.tmp dist/pool/lwt-spawner
  echo "lwt: could not compile src/pool/spawner.c with $cc (see dist/pool/lwt-spawner.log);" \
    "lwt will start commands from Node, which is slower for many short ones" >&2
fi
exit 0
