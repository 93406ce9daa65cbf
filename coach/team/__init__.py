"""Teams as their managers see them (dashboards come with the team blueprint)."""
