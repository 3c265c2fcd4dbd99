import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="max-w-md text-center">
        <p className="font-mono text-xs font-semibold tracking-widest text-slate-500">404</p>
        <h1 className="mt-2 text-xl font-semibold">Page not found</h1>
        <p className="mt-2 text-slate-600">This page does not exist, or you do not have access to it.</p>
        <Link href="/" className="mt-6 inline-block font-medium text-sky-700 hover:underline">
          Back to the console
        </Link>
      </div>
    </main>
  );
}
