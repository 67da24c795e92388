# cdf.gp — CDFs of job completion time (finished jobs) and job wait (first
# task start minus submit), from meso-sim's jobs.csv (writes outdir/cdf.png).
if (!exists("outdir")) outdir = "out"
file = outdir."/jobs.csv"
set terminal pngcairo size 1000,560 font "sans,11"
set output outdir."/cdf.png"
set title "Job completion time and job wait (CDF over jobs)"
set xlabel "seconds (log scale)"
set ylabel "fraction of jobs"
set logscale x
set yrange [0:1.02]
set key top left
set grid
# a log axis cannot show 0: waits of 0 s are drawn at 1 ms
jct = "< awk -F, 'NR>1 && $5 != \"\" {print $5-$3}' '".file."'"
wait = "< awk -F, 'NR>1 && $6 != \"\" {w=$6; if (w < 0.001) w = 0.001; print w}' '".file."'"
plot jct using 1:(1.0) smooth cnormal with lines lw 2 title "completion (finish - submit)", \
     wait using 1:(1.0) smooth cnormal with lines lw 2 title "wait (start - submit)"
