# A run with a policy module (--policy module:PATH): manifest.json records
# the module's path, size and SHA-256, rerun loads it again and matches,
# and a sweep takes the module as a policy value and compare selects its
# rows (the value holds colons). Registered only when the tree builds the
# example modules (alloccore/policies); MESO_POLICY_MODULE is one of them.
EX="$CASE/../../../../sim/examples/small"
MOD=$MESO_POLICY_MODULE
"$SIM" run --workload "$EX" --policy "module:$MOD" --out "$OUT/m" --quiet > /dev/null
sum=$(sha256sum "$MOD" | cut -d' ' -f1)
json_has "$OUT/m/manifest.json" "\"policy_module\": {\"path\": \"$MOD\", \"bytes\": $(stat -c %s "$MOD"), \"sha256\": \"$sum\"}"
"$SIM" rerun "$OUT/m" --out "$OUT/m2" > "$OUT/rerun.txt"
json_has "$OUT/rerun.txt" 'every output is byte-identical'
printf 'workload = %s\npolicy = drf, module:%s\nseed = 1..2\n' "$EX" "$MOD" > "$OUT/s.conf"
"$SIM" sweep "$OUT/s.conf" --quiet --no-plot
test "$(wc -l < "$OUT/s.sweep/results.csv")" -eq 5
"$SIM" compare "$OUT/s.sweep:policy=drf" "$OUT/s.sweep:policy=module:$MOD" --no-plot --out "$OUT/c" > "$OUT/c.txt"
json_has "$OUT/c.txt" "B: $OUT/s.sweep:policy=module:$MOD (2 runs)"
