2+
)
'f387d532-1eab-4d15-aeb4-b23b245c6a9b-S0