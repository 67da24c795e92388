# sweep.gp — one figure per metric of a meso-sim sweep: the mean over the
# seeds of each configuration with its 95% confidence interval (Student t)
# as error bars, from DIR/plots/METRIC.dat, which meso-sim sweep writes
# with DIR/plots/metrics.txt (the metrics that have values). Usage:
# gnuplot -e "sweepdir='DIR'" plots/sweep.gp (meso-sim sweep runs it).
if (!exists("sweepdir")) sweepdir = "sweep"
metrics = system("cat '".sweepdir."/plots/metrics.txt'")
set terminal pngcairo size 900,520 font "sans,10"
set datafile separator "\t"
set grid ytics
set xtics rotate by -30 left noenhanced
set ylabel "mean over seeds (error bars: 95% CI)"
set offsets 0.5, 0.5, 0, 0
set bmargin 8
do for [m in metrics] {
    set output sweepdir."/plots/".m.".png"
    set title m noenhanced
    plot sweepdir."/plots/".m.".dat" using 1:3:4:5:xticlabels(2) with yerrorbars pt 7 ps 1.2 lw 2 notitle
}
