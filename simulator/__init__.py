"""Faithful, stateful simulator of the Tedee cloud API and the DoorFlow API v3."""

from simulator.scenario import Scenario, load_scenario
from simulator.server import SimulatorServer, build_app
from simulator.world import World

__all__ = ["Scenario", "SimulatorServer", "World", "build_app", "load_scenario"]
