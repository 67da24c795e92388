# jain_fairness is Jain's index of the dominant shares of the frameworks
# that want offers, sampled every --sample seconds and weighted by the time
# it holds; jain_fairness_of_work, the old figure, is over each framework's
# mean share for the whole run. Two machines of 4 cpus, A and B with eight
# 1-cpu 100 s tasks each. DRF offers one machine to each: both hold half and
# both still wait for 100 s (index 1). The random order (seed 1) offers both
# machines to A at t=0: A holds everything while B waits (index 0.5) until
# the next sample, after which only B wants offers. The work done is the
# same, so the old figure is 1 for both and cannot tell them apart.
"$SIM" run --workload w --out "$OUT/drf" --sample 10 --quiet > /dev/null
json_has "$OUT/drf/summary.json" '"jain_fairness": 1.000000,'
json_has "$OUT/drf/summary.json" '"contended_seconds": 100.000000,'
json_has "$OUT/drf/summary.json" '"jain_fairness_of_work": 1.000000,'
"$SIM" run --workload w --out "$OUT/random" --policy random --seed 1 --sample 10 --quiet > /dev/null
json_has "$OUT/random/summary.json" '"jain_fairness": 0.500000,'
json_has "$OUT/random/summary.json" '"contended_seconds": 10.000000,'
json_has "$OUT/random/summary.json" '"jain_fairness_of_work": 1.000000,'
