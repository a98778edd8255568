from rbdash.cli import main

main()
