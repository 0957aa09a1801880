export default function Landing() {
  return <main className="p-8"><h1 className="text-3xl font-semibold">Opsdeck</h1></main>;
}
