"""Paper cards: the field's results on vanishing and exploding gradients, each measured by
the lab beside the paper's claim. ``CARDS`` maps each card's key (``--card``) to its Card."""
from .card import Card, CardResult, Figure, Heatmap, Progress, Series, finish
from . import bengio, glorot, he, nielsen, pennington, saxe, schoenholz

CARDS = {card.key: card for card in (nielsen.CARD, glorot.CARD, he.CARD, saxe.CARD, pennington.CARD, schoenholz.CARD, bengio.CARD)}

__all__ = ["CARDS", "Card", "CardResult", "Figure", "Heatmap", "Progress", "Series", "finish"]
