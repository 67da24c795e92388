‚š
…
$f387d532-1eab-4d15-aeb4-b23b245c6a9bÿ€€¿Œ"master@127.0.0.1:34367*master.example21.11.0-meso:
master.example	127.0.0.1¿Œ-ÅC:vÅÚAÇC:vÅÚA