# shares.gp — dominant share of the cluster per framework over time, from
# meso-sim's timeseries.csv. Usage: gnuplot -e "outdir='out'" plots/shares.gp
# (writes outdir/shares.png). meso-sim run --plot runs it. Long framework
# names (the Google trace's hashed user names) are cut to 12 characters in
# the legend.
if (!exists("outdir")) outdir = "out"
file = outdir."/timeseries.csv"
fws = system("tail -n +2 '".file."' | cut -d, -f2 | awk '!seen[$0]++'")
set terminal pngcairo size 1000,560 font "sans,11"
set output outdir."/shares.png"
set datafile separator ","
set title "Dominant share per framework (running tasks + outstanding offers)"
set xlabel "simulated time (s)"
set ylabel "dominant share (% of the cluster)"
set yrange [0:*]
set key outside right top title "framework"
set grid
plot for [f in fws] "< awk -F, -v f='".f."' 'NR>1 && $2==f' '".file."'" \
     using 1:($6*100) with lines lw 2 title (strlen(f) > 14 ? f[1:12]."…" : f)
