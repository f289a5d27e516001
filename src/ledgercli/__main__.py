from ledgercli.cli import main

main()
