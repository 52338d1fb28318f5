/**
 * The studio's icon, a 32×32 PNG in an ICO file (two states and a transition), served at
 * `/favicon.ico`: browsers ask for that address on their own, and a 404 there is an error in
 * the console of every session. Inlined, so the page needs no file beside it.
 */
export const studioIcon: Uint8Array = Buffer.from(
  'AAABAAEAICAAAAEAIACqAAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAAHFJREFUeNpjYMAB5DXN/1MTMxADqG0pSY6hl+VYHUFvyzEcMbIdMFCWwx2BTTBh6S+i8KgDRh0w6oDh6wBs+Onz12BMl4JoyDnA5PJMovCoA6jiAGx4ZDgAHx51wIA7YMi2C0eb5YOnazYoOqcD1T0HAKiOrFuyRtOxAAAAAElFTkSuQmCC',
  'base64',
);
