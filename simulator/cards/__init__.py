"""Paper cards: the field's results on vanishing and exploding gradients, each measured by
the lab beside the paper's claim. ``CARDS`` maps each card's key (``--card``) to its Card."""
from .card import Card, CardResult, Figure, Heatmap, Progress, Series, finish
from . import bengio, glorot, he, nielsen, pennington, saxe, schoenholz

CARDS = {card.key: card for card in (nielsen.CARD, glorot.CARD, he.CARD, saxe.CARD, pennington.CARD, schoenholz.CARD, bengio.CARD)}



def run_card(key, settings=None):
    """Card ``key``'s measurement (``Card.run``), named by its key: what a process of its
    own can be asked to run."""
    return CARDS[key].run(settings)


__all__ = ["CARDS", "run_card", "Card", "CardResult", "Figure", "Heatmap", "Progress", "Series", "finish"]
