# bench_scaling.gp — cost of one full allocation pass (all agents free, every
# framework wanting; agents cpus:24;mem:4096;disk:4096;ports:[31000-32000])
# against the number of agents and of frameworks, log-log: alloccore (solid,
# filled) beside the reference allocator (dashed, open), one colour per
# series. Data: columns "agents frameworks milliseconds", written by
# plots/bench_scaling.sh from bench/results/latest.json.
# Usage: gnuplot -e "core='..'; ref='..'; out='..'" plots/bench_scaling.gp
if (!exists("core")) core = 'pass_core.dat'
if (!exists("ref")) ref = 'pass_ref.dat'
if (!exists("out")) out = 'bench_scaling.png'

set terminal pngcairo size 1500,650 font "Sans,13"
set output out
set multiplot layout 1,2 title "One full allocation pass, median of repetitions (lower is better)" font "Sans,15"
set logscale xy
set grid xtics ytics lc rgb "#cccccc"
set key top left box opaque spacing 1.1
set ylabel "time per pass (ms)"
set format y "%g"
set format x "%g"
set yrange [0.01:10000]
colour(i) = word("#1f77b4 #d62728 #2ca02c #9467bd", i)
# Rows of one series, sorted on the x column, as a gnuplot data source.
rows(file, col, val, xcol) = sprintf("< awk '$%d == %s' %s | sort -g -k%d", col, val, file, xcol)

set xlabel "agents"
set xrange [50:100000]
set key bottom right
set title "cost vs agents"
fws = "10 100 1000"
plot for [i = 1:3] rows(core, 2, word(fws, i), 1) using 1:3 with linespoints lw 2.5 pt 7 ps 1.3 \
       lc rgb colour(i) title sprintf("alloccore, %s frameworks", word(fws, i)), \
     for [i = 1:3] rows(ref, 2, word(fws, i), 1) using 1:3 with linespoints lw 2.5 dt 2 pt 6 ps 1.5 \
       lc rgb colour(i) title sprintf("reference, %s frameworks", word(fws, i))

set xlabel "frameworks"
set xrange [7:1400]
set key top left
set title "cost vs frameworks"
ags = "100 1000 10000 50000"
plot for [i = 1:4] rows(core, 1, word(ags, i), 2) using 2:3 with linespoints lw 2.5 pt 7 ps 1.3 \
       lc rgb colour(i) title sprintf("alloccore, %s agents", word(ags, i)), \
     for [i = 1:2] rows(ref, 1, word(ags, i), 2) using 2:3 with linespoints lw 2.5 dt 2 pt 6 ps 1.5 \
       lc rgb colour(i) title sprintf("reference, %s agents", word(ags, i))
unset multiplot
