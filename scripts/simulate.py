"""Run the simulated charge point (see the simulator package): scripts/simulate --help."""

from simulator import main

if __name__ == "__main__":
    main()
