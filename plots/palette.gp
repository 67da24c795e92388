# palette.gp — twenty distinguishable colours for the stacked figures
# (shares.gp, utilization_roles.gp; gnuplot's default cycle repeats after
# eight), and grey (linetype 99) for their "others" band. Loaded through
# plotsdir, which meso-sim passes to every script.
array colours[20] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", \
                     "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", \
                     "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79", "#637939"]
do for [k=1:20] { set linetype k linecolor rgb colours[k] }
set linetype 99 linecolor rgb "#b0b0b0"
