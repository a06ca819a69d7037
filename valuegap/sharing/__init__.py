"""Deep links (every URL parameter name), signed share links and who may edit."""
