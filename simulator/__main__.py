"""Command line: ``python -m simulator --host 127.0.0.1 --port 8765 --scenario home``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import sys

from simulator.latency import LatencyError, Range, parse_range
from simulator.scenario import available_scenarios, load_scenario
from simulator.server import SimulatorServer
from simulator.tedee_bridge import BRIDGES_KEY
from simulator.world import World


def latency_range(text: str) -> Range:
    """Parse ``MIN:MAX`` (or one value) milliseconds for argparse."""
    try:
        return parse_range(text)
    except LatencyError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Faithful simulator of the Tedee cloud API and the DoorFlow API v3.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any)")
    parser.add_argument(
        "--scenario",
        default="home",
        help=f"bundled scenario ({', '.join(available_scenarios())}) or a JSON file path",
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--no-ambient",
        action="store_true",
        help="disable ambient changes (battery, doors, links going up and down)",
    )
    parser.add_argument(
        "--latency-ms",
        type=latency_range,
        default=None,
        metavar="MIN:MAX",
        help="random delay in ms on both the request and the response, e.g. 0:500",
    )
    parser.add_argument(
        "--request-latency-ms",
        type=latency_range,
        default=None,
        metavar="MIN:MAX",
        help="random delay in ms before a request is handled (uplink)",
    )
    parser.add_argument(
        "--response-latency-ms",
        type=latency_range,
        default=None,
        metavar="MIN:MAX",
        help="random delay in ms before a response is sent (downlink)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def configure_latency(world: World, args: argparse.Namespace) -> None:
    """Apply the latency options (the specific halves win over ``--latency-ms``)."""
    both = args.latency_ms
    world.latency.set(
        request_ms=args.request_latency_ms or both,
        response_ms=args.response_latency_ms or both,
    )


async def serve(args: argparse.Namespace) -> None:
    """Run the simulator until interrupted."""
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    scenario = load_scenario(args.scenario)
    world = World(scenario, seed=seed, ambient=not args.no_ambient)
    configure_latency(world, args)
    latency = world.latency
    async with SimulatorServer(world, host=args.host, port=args.port) as server:
        print(f"Door Access simulator: scenario {scenario.name!r}, seed {seed}")
        print(f"  base URL      {server.url}")
        print(f"  Tedee         {server.url}/api/v37/...")
        print(f"  DoorFlow      {server.url}/api/3/...  (OAuth: {server.url}/oauth/...)")
        print(f"  control API   {server.url}/_control/state")
        for bridge in server.app[BRIDGES_KEY].bridges.values():
            local_token = bridge.config.token
            print(f"  Tedee bridge  {bridge.bridge_id}: {bridge.url}  (local token {local_token})")
        print(f"  ambient       {'on' if world.ambient else 'off'}")
        up, down = _ms(latency.request_ms), _ms(latency.response_ms)
        print(f"  latency       request {up}, response {down}")
        for token in scenario.tokens():
            scopes = ", ".join(token.get("scopes", [])) or "all scopes"
            kind = token.get("kind", "?")
            owner = f", guest {token['user']}" if token.get("guest") else ""
            print(f"  token {token['api']:<8} {kind:<12} {token['token']}  ({scopes}{owner})")
        for client in scenario.data.get("doorflow", {}).get("clients", []):
            print(f"  oauth client  {client['client_id']} / {client['client_secret']}")
        sys.stdout.flush()
        await asyncio.Event().wait()


def _ms(bounds: Range) -> str:
    """Describe a latency range."""
    low, high = bounds
    return f"{low:g}-{high:g} ms"


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
