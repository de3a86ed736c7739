"""The Gymnasium environment: Gymnasium's own checks, reproducible episodes, agents that differ."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from evaluation.gym import ENV_ID, SupplyChainEnv, episode_cost
from supplysync.scenario import load_scenario
from tests.conftest import DEMO_SCENARIO


@pytest.fixture
def env() -> SupplyChainEnv:
    return SupplyChainEnv(load_scenario(DEMO_SCENARIO), days=2)


def test_gymnasium_checks_pass(env: SupplyChainEnv) -> None:
    check_env(env, skip_render_check=True)


def test_an_episode_is_reproducible_and_its_rewards_add_up_to_the_cost(
    env: SupplyChainEnv,
) -> None:
    def play(seed: int) -> tuple[list[Any], list[float], float]:
        obs, _ = env.reset(seed=seed)
        seen, rewards, done, cost = [obs], [], False, 0.0
        while not done:
            obs, reward, done, truncated, info = env.step(np.full(env.action_space.shape, 0.4))
            assert not truncated and env.observation_space.contains(obs)
            seen.append(obs)
            rewards.append(reward)
            cost = info["total_cost"]
        return seen, rewards, cost

    first, second, other = play(11), play(11), play(12)
    assert len(first[1]) == 2  # one decision a day
    assert all(np.array_equal(a, b) for a, b in zip(first[0], second[0], strict=True))
    assert first[1] == second[1]
    assert sum(first[1]) == pytest.approx(-first[2])
    assert first[1] != other[1]  # another seed, another world


def test_a_reorder_rule_agent_beats_ordering_nothing_and_a_random_one_runs() -> None:
    """Over four days of the demo; over two, what is ordered lands too late to matter."""
    env = SupplyChainEnv(load_scenario(DEMO_SCENARIO), days=4)
    pairs = len(env.pairs)

    def reorder(obs: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Order a full `max_order` where stock and goods on the way cover under a day's worth."""
        stock, coming = obs[0 : 3 * pairs : 3], obs[1 : 3 * pairs : 3]
        low: np.ndarray[Any, Any] = (stock + coming) < env.max_order / 3
        return low.astype(np.float32)

    nothing = episode_cost(env, lambda obs: np.zeros(pairs, np.float32), seed=3)
    rule = episode_cost(env, reorder, seed=3)
    env.action_space.seed(0)
    random = episode_cost(env, lambda obs: env.action_space.sample(), seed=3)
    assert rule < nothing
    assert np.isfinite(random) and random > 0


def test_gymnasium_makes_it_by_id_importing_the_module_on_the_way() -> None:
    made = gym.make(f"evaluation.gym:{ENV_ID}", scenario=load_scenario(DEMO_SCENARIO), days=1)
    assert isinstance(made.unwrapped, SupplyChainEnv)
    obs, _ = made.reset(seed=3)
    assert made.observation_space.contains(obs)
    _, reward, done, truncated, info = made.step(made.action_space.sample())
    assert (done, truncated) == (True, False)
    assert reward == pytest.approx(-info["total_cost"])
