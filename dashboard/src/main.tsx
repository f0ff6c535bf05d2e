import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app.tsx';

const root = document.getElementById('app')!;
root.replaceChildren(); // the page's "Loading…" line
render(<App />, root);
