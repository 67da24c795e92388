# shares.gp — dominant share of the cluster over time, stacked: the top N
# frameworks by mean dominant share and the rest as one "others" band, from
# outdir/plot_shares.dat (meso-sim run --plot writes it from timeseries.csv
# and summary.json; --plot-top N, default 10), so that the figure stays
# readable with hundreds of frameworks. Usage: gnuplot -e "outdir='out'"
# plots/shares.gp (writes outdir/shares.png). Long framework names (the
# Google trace's hashed user names) are cut to 12 characters in the legend.
if (!exists("outdir")) outdir = "out"
file = outdir."/plot_shares.dat"
ncols = int(system("head -1 '".file."' | awk -F'\t' '{print NF}'"))
set terminal pngcairo size 1000,560 font "sans,11"
set output outdir."/shares.png"
set datafile separator "\t"
set title "Dominant share per framework, stacked (running tasks + outstanding offers)"
set xlabel "simulated time (s)"
set ylabel "dominant share (% of the cluster, stacked)"
set yrange [0:*]
set key outside right top title "framework" noenhanced
set grid
set style fill solid 0.85 noborder
if (exists("plotsdir")) load plotsdir."/palette.gp"
cut(s) = strlen(s) > 14 ? s[1:12]."…" : s
# column i's band lies between the sums from i+1 and from i to the last
plot for [i=2:ncols] file using 1:(sum [j=i:ncols] column(j)) with filledcurves x1 lt (i == ncols ? 99 : 1 + (i - 2) % 20) \
     title cut(system("head -1 '".file."' | cut -f".i))
