
&
$387aa966-8fc5-4428-a794-5a868a60d3eb&
$49154f1b-8cf6-4421-bf13-8bd11dccd1f1"°
l

dummy-task&
$d40f3f3e-bbe3-44af-a230-4cb1eae72f67&
$f1c9cdc5-195e-41a7-a0d7-adaa9af07f81:ls:-l:/tmp@
>
&
$d40f3f3e-bbe3-44af-a230-4cb1eae72f67HZd40f3f3e-bbe3-44