
&
$387aa966-8fc5-4428-a794-5a868a60d3eb+
)9aaa9d0d-e00d-444f-bfbd-23dd197939a0-00002this is a message