:
&
$d40f3f3e-bbe3-44af-a230-4cb1eae72f67d40f3f3e-bbe3-44