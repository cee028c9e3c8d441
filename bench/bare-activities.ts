/** The baseline's activity: nothing to do, so only the engine's cost remains. */
export async function step(index: number): Promise<number> {
  return index;
}
