# utilization.gp — share of the cluster's resources held by running tasks
# over time, from meso-sim's utilization.csv (writes outdir/utilization.png).
if (!exists("outdir")) outdir = "out"
file = outdir."/utilization.csv"
set terminal pngcairo size 1000,560 font "sans,11"
set output outdir."/utilization.png"
set datafile separator ","
set title "Cluster utilization (resources held by running tasks)"
set xlabel "simulated time (s)"
set ylabel "utilization (% of resources present)"
set yrange [0:105]
set key outside right top
set grid
plot file using 1:($2*100) every ::1 with lines lw 2 title "cpus", \
     file using 1:($3*100) every ::1 with lines lw 2 title "mem"
