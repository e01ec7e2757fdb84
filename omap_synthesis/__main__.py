from omap_synthesis.cli import main

main()
