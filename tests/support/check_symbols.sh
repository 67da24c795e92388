#!/bin/sh
# check_symbols.sh LIB PREFIX... — a library's exported names carry its prefix.
# Runs nm on the static library LIB and fails, listing them, when it defines a
# global symbol (code, data, bss, read-only, common, weak, ...) that begins
# with none of the PREFIXes; local and undefined symbols are not looked at,
# nor names no C identifier can have (a '.': what instrumentation adds, such
# as AddressSanitizer's __odr_asan.NAME beside each global NAME), so the
# check holds in the sanitizer build too. ctest runs it through
# meso_check_symbols() (tests/CMakeLists.txt). NM names the nm to use
# (default: nm).
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 LIB PREFIX..." >&2
	exit 2
fi
lib=$1
shift
if [ ! -f "$lib" ]; then
	echo "check_symbols: $lib: no such file" >&2
	exit 2
fi

# nm -g --defined-only prints "VALUE TYPE NAME" (common symbols included);
# U, w and v would be undefined ones, which the filter leaves out anyway.
syms=$("${NM:-nm}" -g --defined-only "$lib") || {
	echo "check_symbols: nm failed on $lib" >&2
	exit 2
}
bad=$(printf '%s\n' "$syms" | awk -v prefixes="$*" '
	BEGIN { n = split(prefixes, p, " ") }
	/:$/ { obj = substr($0, 1, length($0) - 1); next }
	NF == 3 && $2 !~ /^[Uwv]$/ && index($3, ".") == 0 {
		for (i = 1; i <= n; i++)
			if (index($3, p[i]) == 1)
				next
		printf "  %s %s (%s)\n", $2, $3, obj
	}')
if [ -n "$bad" ]; then
	count=$(printf '%s\n' "$bad" | wc -l)
	echo "check_symbols: $lib exports $count symbol(s) without a prefix ($*):"
	printf '%s\n' "$bad"
	exit 1
fi
echo "check_symbols: every global symbol of $lib begins with one of: $*"
