/** Vite's `?inline` suffix imports a stylesheet as its text (for the shadow root's `<style>`). */
declare module '*.css?inline' {
  const css: string
  export default css
}
