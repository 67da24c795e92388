# compare_cdf.gp — CDFs of task wait (or job wait) of the two sides of a
# meso-sim compare, from DIR/wait_a.dat and DIR/wait_b.dat (wait, fraction;
# meso-sim compare writes them). Usage: gnuplot -e "dir='DIR'; label_a='A';
# label_b='B'; what='task wait'" plots/compare_cdf.gp (writes DIR/wait_cdf.png).
if (!exists("dir")) dir = "compare"
if (!exists("label_a")) label_a = "A"
if (!exists("label_b")) label_b = "B"
if (!exists("what")) what = "task wait"
set terminal pngcairo size 1000,560 font "sans,11"
set output dir."/wait_cdf.png"
set datafile separator "\t"
set title "CDF of ".what noenhanced
set xlabel "seconds (log scale; waits under 1 ms drawn at 1 ms)"
set ylabel "fraction"
set logscale x
set yrange [0:1.02]
set key bottom right noenhanced
set grid
plot dir."/wait_a.dat" using ($1 < 0.001 ? 0.001 : $1):2 with steps lw 2 title label_a, \
     dir."/wait_b.dat" using ($1 < 0.001 ? 0.001 : $1):2 with steps lw 2 title label_b
