from smartgov.platform.navigation import NavEntry

ENTRIES = [
    NavEntry("Notice board", "noticeboard:board", order=50),
    NavEntry("Post a notice", "noticeboard:post", order=51),
]
